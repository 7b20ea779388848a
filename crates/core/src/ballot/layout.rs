//! The printable ballot as a display list in millimetres (origin at the top-left
//! of the page, y down). Pure: no I/O. Both renderers (PDF and raster) draw
//! exactly this list, so what the interpreter expects is what is printed.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::ballot::fonts::{self, FontStyle, ShapedGlyph};
use crate::ballot::qr::{QR_MODULES, QR_QUIET_MODULES};
use crate::election::{Election, Marking, Paper};
use crate::geometry::MmRect;

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

/// Instruction for a strike ballot with several candidates.
pub const INSTRUCTION_STRIKE: &str =
    "Giữ lại tên người mình chọn, gạch ngang hết họ và tên những người mình không chọn.";
/// Instruction for a strike ballot with one candidate.
pub const INSTRUCTION_STRIKE_SINGLE: &str =
    "Đồng ý: giữ nguyên tên. Không đồng ý: gạch ngang hết họ và tên.";
/// Instruction for an approval-box ballot.
pub const INSTRUCTION_BOXES: &str = "Đánh dấu X vào một ô";
/// Label of the approval box.
pub const APPROVE_LABEL: &str = "Đồng ý";
/// Label of the disapproval box.
pub const DISAPPROVE_LABEL: &str = "Không đồng ý";
/// Tiny label under the stamp area.
pub const STAMP_LABEL: &str = "Dấu của Tổ bầu cử";

/// Layout-only helpers on the shared rectangle type.
trait Rounded {
    /// Rounded to 0.01 mm, as layout.json prints it.
    fn rounded(&self) -> MmRect;
}

impl Rounded for MmRect {
    fn rounded(&self) -> MmRect {
        MmRect::new(r2(self.x), r2(self.y), r2(self.w), r2(self.h))
    }
}

/// A horizontal band between two heights, in millimetres from the page top.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MmBand {
    /// Upper edge.
    pub top: f64,
    /// Lower edge.
    pub bottom: f64,
}

/// What a display-list item is, for renderers and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemRole {
    /// Header lines (committee and national motto).
    Header,
    /// "PHIẾU BẦU …".
    Title,
    /// Term and unit lines.
    Info,
    /// The instruction line(s).
    Instruction,
    /// A candidate's full name; the index into [`BallotLayout::candidates`].
    Name(usize),
    /// Label of an approval box.
    BoxLabel,
    /// The stamp area's frame.
    Stamp,
    /// The stamp area's label.
    StampLabel,
    /// A corner fiducial.
    Fiducial,
    /// The frame of an approval box.
    ApproveBox,
}

/// One line of text with its glyphs already positioned.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    /// The printed text (NFC).
    pub text: String,
    /// Face.
    pub style: FontStyle,
    /// Font size: one em in millimetres.
    pub size_mm: f64,
    /// Pen origin: left end of the baseline.
    pub x_mm: f64,
    /// Baseline height from the page top.
    pub baseline_mm: f64,
    /// Glyphs with pen positions in ems from `x_mm`.
    pub glyphs: Vec<ShapedGlyph>,
    /// Tight ink box of the whole run.
    pub ink_mm: MmRect,
    /// Grey level of the ink.
    pub gray: u8,
    /// What the run is.
    pub role: ItemRole,
}

impl TextRun {
    /// Page x of a glyph's origin.
    pub fn glyph_x_mm(&self, glyph: &ShapedGlyph) -> f64 {
        self.x_mm + glyph.x_em * self.size_mm
    }
}

/// Disjoint filled rectangles painted as one shape (no seams where they touch).
#[derive(Debug, Clone, PartialEq)]
pub struct RectSet {
    /// The rectangles; they never overlap.
    pub rects: Vec<MmRect>,
    /// Grey level of the fill.
    pub gray: u8,
    /// What the shape is.
    pub role: ItemRole,
}

impl RectSet {
    /// Bounding box of all rectangles.
    pub fn bounds(&self) -> MmRect {
        self.rects.iter().skip(1).fold(self.rects[0], MmRect::union)
    }
}

/// An element of the display list.
#[derive(Debug, Clone, PartialEq)]
pub enum DrawItem {
    /// A line of text.
    Text(TextRun),
    /// Filled rectangles.
    Rects(RectSet),
}

impl DrawItem {
    /// Bounding box of the ink.
    pub fn bounds(&self) -> MmRect {
        match self {
            DrawItem::Text(t) => t.ink_mm,
            DrawItem::Rects(r) => r.bounds(),
        }
    }

    /// The item's role.
    pub fn role(&self) -> ItemRole {
        match self {
            DrawItem::Text(t) => t.role,
            DrawItem::Rects(r) => r.role,
        }
    }
}

/// Where the QR code goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QrBox {
    /// The symbol itself (29 × 29 modules for the ballot payload).
    pub symbol_mm: MmRect,
    /// The symbol plus its 4-module quiet zone, kept free of anything.
    pub quiet_mm: MmRect,
}

/// The two approval boxes of an `approve_boxes` ballot (outer edges of the frames).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ApproveBoxes {
    /// "Đồng ý".
    pub approve: MmRect,
    /// "Không đồng ý".
    pub disapprove: MmRect,
}

/// A candidate as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateLayout {
    /// Candidate id, e.g. "c1".
    pub id: String,
    /// Full name as printed (NFC).
    pub name: String,
    /// Tight ink box of the printed full name.
    pub name_mm: MmRect,
    /// Baseline of the name.
    pub baseline_mm: f64,
    /// From the x-height line down to the baseline: where strikes cross the text.
    pub x_band_mm: MmBand,
    /// Index of the name's [`TextRun`] in [`BallotLayout::items`].
    pub item: usize,
}

/// Why a ballot cannot be laid out.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LayoutError {
    /// The election has no candidate.
    #[error("the election has no candidate")]
    NoCandidates,
    /// Approval boxes are for one-candidate units only.
    #[error("approval boxes need exactly one candidate, the election has {0}")]
    BoxesNeedOneCandidate(usize),
    /// The bundled font cannot print a character.
    #[error("the ballot font has no glyph for {ch:?} in {text:?}")]
    MissingGlyph {
        /// The text containing it.
        text: String,
        /// The character.
        ch: char,
    },
    /// The content does not fit the paper even at the smallest sizes.
    #[error("ballot does not fit {paper}: {what}")]
    DoesNotFit {
        /// Paper name.
        paper: &'static str,
        /// What overflowed.
        what: String,
    },
}

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

/// Serialisable geometry: the public contract other stages read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BallotGeometry {
    /// Format version ([`GEOMETRY_VERSION`]).
    pub version: u32,
    /// Paper name ("A4", "A5", "A6").
    pub paper: String,
    /// "strike" or "approve_boxes".
    pub marking: Marking,
    /// Page size.
    pub page_mm: PageSize,
    /// TL, TR, BL, BR.
    pub fiducials_mm: Vec<MmRect>,
    /// The QR symbol (without quiet zone).
    pub qr_mm: MmRect,
    /// The QR symbol with its quiet zone.
    pub qr_quiet_mm: MmRect,
    /// Modules per side of the QR symbol.
    pub qr_modules: u32,
    /// Stamp area.
    pub stamp_mm: MmRect,
    /// Candidates in ballot order.
    pub candidates: Vec<CandidateGeometry>,
    /// Approval boxes, for `approve_boxes` ballots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boxes_mm: Option<ApproveBoxes>,
}

/// Page size in the geometry JSON.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PageSize {
    /// Width in mm.
    pub width: f64,
    /// Height in mm.
    pub height: f64,
}

/// One candidate in the geometry JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateGeometry {
    /// Candidate id.
    pub id: String,
    /// Printed full name.
    pub name: String,
    /// Tight ink box of the name.
    pub name_mm: MmRect,
    /// Baseline of the name.
    pub baseline_mm: f64,
    /// x-height band of the name.
    pub xheight_band_mm: MmBand,
}

impl BallotGeometry {
    /// Parses the JSON written by [`BallotLayout::to_json`].
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

fn r2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Nominal sizes for one paper; text shrinks from these as needed.
struct Spec {
    header: f64,
    title: f64,
    info: f64,
    instr: f64,
    label: f64,
    name_max: f64,
    name_min: f64,
    stamp: f64,
    box_side: f64,
    gap_max: f64,
}

impl Spec {
    fn of(paper: Paper) -> Spec {
        match paper {
            Paper::A4 => Spec {
                header: 3.6,
                title: 7.0,
                info: 4.4,
                instr: 3.8,
                label: 2.2,
                name_max: 8.5,
                name_min: 4.5,
                stamp: 38.0,
                box_side: 10.0,
                gap_max: 22.0,
            },
            Paper::A5 => Spec {
                header: 2.9,
                title: 5.4,
                info: 3.5,
                instr: 3.0,
                label: 1.9,
                name_max: 7.0,
                name_min: 3.6,
                stamp: 32.0,
                box_side: 8.0,
                gap_max: 16.0,
            },
            Paper::A6 => Spec {
                header: 2.2,
                title: 3.9,
                info: 2.6,
                instr: 2.3,
                label: 1.6,
                name_max: 5.0,
                name_min: 2.6,
                stamp: 24.0,
                box_side: 6.5,
                gap_max: 12.0,
            },
        }
    }
}

/// Text sizes shrink no further than this fraction of nominal.
const MIN_SHRINK: f64 = 0.7;

#[derive(Clone, Copy, PartialEq)]
enum Wrap {
    /// One line, never broken (it must be extractable whole).
    None,
    /// Breaks after ", " when too wide; word wrap if that is not enough.
    Comma,
    /// Balanced word wrap.
    Words,
}

#[derive(Clone)]
struct Para {
    text: String,
    style: FontStyle,
    size: f64,
    wrap: Wrap,
    max_lines: usize,
    gray: u8,
    role: ItemRole,
}

/// A measured but not yet placed line.
struct Line {
    text: String,
    style: FontStyle,
    size: f64,
    shaped: fonts::ShapedText,
    gray: u8,
    role: ItemRole,
}

impl Line {
    fn new(
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

    fn ink_width(&self) -> f64 {
        self.shaped
            .ink_em
            .map_or(0.0, |b| (b.x_max - b.x_min) * self.size)
    }

    /// Extent above the baseline used for stacking lines: at least the cap height.
    fn above(&self) -> f64 {
        let ink = self.shaped.ink_em.map_or(0.0, |b| b.y_max);
        ink.max(self.style.cap_height_em()) * self.size
    }

    /// Extent below the baseline.
    fn below(&self) -> f64 {
        self.shaped.ink_em.map_or(0.0, |b| (-b.y_min).max(0.0)) * self.size
    }

    /// Places the line centred (by ink) on `cx` with the baseline at `baseline`.
    fn place_centred(self, cx: f64, baseline: f64) -> TextRun {
        let ink = self.shaped.ink_em;
        let (x0, x1) = ink.map_or((0.0, 0.0), |b| (b.x_min, b.x_max));
        let x_mm = cx - f64::midpoint(x0, x1) * self.size;
        self.place(x_mm, baseline)
    }

    fn place(self, x_mm: f64, baseline: f64) -> TextRun {
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
fn fit_para(p: &Para, width: f64) -> Result<Option<Vec<Line>>, LayoutError> {
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
fn stack(
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

/// The stamp area (with its label) and the QR quiet zone, side by side.
struct Row {
    stamp: MmRect,
    label: TextRun,
    quiet: MmRect,
    bottom: f64,
}

impl Row {
    fn at(top: f64, page_w: f64, spec: &Spec) -> Result<Row, LayoutError> {
        let stamp = MmRect::new(ROW_SIDE_MM, top, spec.stamp, spec.stamp);
        let label = Line::new(
            STAMP_LABEL,
            FontStyle::Regular,
            spec.label,
            LABEL_GRAY,
            ItemRole::StampLabel,
        )?;
        let base = stamp.bottom() + 0.8 + label.above();
        let label = label.place_centred(stamp.x + stamp.w / 2.0, base);
        let side = f64::from(QR_MODULES + 2 * QR_QUIET_MODULES) * QR_MODULE_MM;
        let quiet = MmRect::new(page_w - ROW_SIDE_MM - side, top, side, side);
        let bottom = label.ink_mm.bottom().max(quiet.bottom());
        Ok(Row {
            stamp,
            label,
            quiet,
            bottom,
        })
    }
}

/// Where the candidates' rows go, for one arrangement of the top of the page.
struct NamesFit {
    size: f64,
    lines: Vec<Line>,
    top_ext: f64,
    row_h: f64,
    gap: f64,
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
        let spec = Spec::of(paper);
        let (w, h) = paper.size_mm();
        let too_big = |what: &str| LayoutError::DoesNotFit {
            paper: paper.as_str(),
            what: what.to_string(),
        };
        let nfc = |s: String| -> String { s.nfc().collect() };

        let mut items: Vec<DrawItem> = Vec::new();

        // Fiducials: isolated filled squares in the four corners.
        let f = FIDUCIAL_SIZE_MM;
        let fi = FIDUCIAL_INSET_MM;
        let fiducials_mm = [
            MmRect::new(fi, fi, f, f),
            MmRect::new(w - fi - f, fi, f, f),
            MmRect::new(fi, h - fi - f, f, f),
            MmRect::new(w - fi - f, h - fi - f, f, f),
        ];
        for r in fiducials_mm {
            items.push(DrawItem::Rects(RectSet {
                rects: vec![r],
                gray: 0,
                role: ItemRole::Fiducial,
            }));
        }

        // Header: two centred columns, one shared size so baselines align.
        let content_w = w - 2.0 * TEXT_SIDE_MM;
        let left = (TEXT_SIDE_MM, TEXT_SIDE_MM + 0.4 * content_w);
        let right = (left.1 + 3.0, w - TEXT_SIDE_MM);
        let header_para = |text: &str, style, wrap, max_lines| Para {
            text: text.to_string(),
            style,
            size: spec.header,
            wrap,
            max_lines,
            gray: 0,
            role: ItemRole::Header,
        };
        let commune_upper = nfc(info.commune.to_uppercase());
        // Only the commune's name may take two lines: it is the one long field.
        let columns = [
            (
                left,
                vec![
                    header_para("ỦY BAN NHÂN DÂN", FontStyle::Regular, Wrap::None, 1),
                    header_para(&commune_upper, FontStyle::Bold, Wrap::Words, 2),
                ],
            ),
            (
                right,
                vec![
                    header_para(
                        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                        FontStyle::Bold,
                        Wrap::None,
                        1,
                    ),
                    header_para(
                        "Độc lập - Tự do - Hạnh phúc",
                        FontStyle::Bold,
                        Wrap::None,
                        1,
                    ),
                ],
            ),
        ];
        let mut header_size = spec.header;
        for (col, paras) in &columns {
            for p in paras {
                let lines = fit_para(p, col.1 - col.0)?.ok_or_else(|| too_big("header"))?;
                if lines.len() == 1 {
                    header_size = header_size.min(lines[0].size);
                }
            }
        }
        let mut header_rows: Vec<Vec<(f64, Line)>> = Vec::new();
        for (col, paras) in columns {
            let mut row = 0;
            for mut p in paras {
                p.size = header_size;
                let lines = fit_para(&p, col.1 - col.0)?.ok_or_else(|| too_big("header"))?;
                for line in lines {
                    if header_rows.len() <= row {
                        header_rows.push(Vec::new());
                    }
                    header_rows[row].push((f64::midpoint(col.0, col.1), line));
                    row += 1;
                }
            }
        }
        let mut cursor = HEADER_TOP_MM;
        let mut header_bottom = HEADER_TOP_MM;
        for row in header_rows {
            let above = row.iter().map(|(_, l)| l.above()).fold(0.0, f64::max);
            let below = row.iter().map(|(_, l)| l.below()).fold(0.0, f64::max);
            let base = cursor + above;
            for (cx, line) in row {
                let run = line.place_centred(cx, base);
                header_bottom = header_bottom.max(run.ink_mm.bottom());
                items.push(DrawItem::Text(run));
            }
            cursor = base + below.max(0.22 * header_size) + 0.35 * header_size;
        }

        // Title block.
        let title = nfc(format!("PHIẾU BẦU {}", info.office.to_uppercase()));
        let term = nfc(format!("Nhiệm kỳ {}", info.term));
        let unit = nfc(format!("{}, {}", info.unit, info.commune));
        let instruction = match (info.marking, n) {
            (Marking::ApproveBoxes, _) => INSTRUCTION_BOXES,
            (Marking::Strike, 1) => INSTRUCTION_STRIKE_SINGLE,
            (Marking::Strike, _) => INSTRUCTION_STRIKE,
        };
        let para = |text: &str, style, size, wrap, max_lines, role| Para {
            text: text.to_string(),
            style,
            size,
            wrap,
            max_lines,
            gray: 0,
            role,
        };
        let title_para = para(
            &title,
            FontStyle::Bold,
            spec.title,
            Wrap::None,
            1,
            ItemRole::Title,
        );
        let term_para = para(
            &term,
            FontStyle::Regular,
            spec.info,
            Wrap::None,
            1,
            ItemRole::Info,
        );
        let unit_para = para(
            &unit,
            FontStyle::Regular,
            spec.info,
            Wrap::Comma,
            2,
            ItemRole::Info,
        );
        let instr_mid = para(
            instruction,
            FontStyle::Regular,
            spec.instr,
            Wrap::Words,
            4,
            ItemRole::Instruction,
        );
        let instr_full = para(
            instruction,
            FontStyle::Regular,
            spec.instr,
            Wrap::Words,
            2,
            ItemRole::Instruction,
        );

        // Names: what the rows need, for a region starting at `top`.
        let names: Vec<String> = election
            .candidates
            .iter()
            .map(|c| nfc(c.name.clone()))
            .collect();
        let boxes_mode = info.marking == Marking::ApproveBoxes;
        let fit_names = |top: f64| -> Result<Option<NamesFit>, LayoutError> {
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
                let rows = n as f64;
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
        };

        // The row under the header: stamp area at the left, QR at the right,
        // possibly with text between them. Try the arrangements of the top
        // block; keep the one leaving the largest names (ties: the first
        // listed, which gives the title the most room).
        let full = (TEXT_SIDE_MM, w - TEXT_SIDE_MM);
        let first_row_top =
            (header_bottom + 3.0).max(FIDUCIAL_INSET_MM + FIDUCIAL_SIZE_MM + FIDUCIAL_CLEAR_MM);
        let mut best: Option<(Vec<TextRun>, NamesFit, f64, f64)> = None;
        for arrangement in 0..4 {
            // Arrangement 1 puts the title above the row, full width.
            let (mut runs, row_top) = if arrangement == 1 {
                let Some((runs, b)) = stack(
                    std::slice::from_ref(&title_para),
                    full.0,
                    full.1,
                    header_bottom + 2.0,
                )?
                else {
                    continue;
                };
                (runs, first_row_top.max(b + 2.5))
            } else {
                (Vec::new(), first_row_top)
            };
            let row = Row::at(row_top, w, &spec)?;
            let mid = (
                row.stamp.right() + ROW_GAP_MM + 1.0,
                row.quiet.x - ROW_GAP_MM,
            );
            let (beside, below): (Vec<Para>, Vec<Para>) = match arrangement {
                0 => (
                    vec![],
                    vec![
                        title_para.clone(),
                        term_para.clone(),
                        unit_para.clone(),
                        instr_full.clone(),
                    ],
                ),
                1 => (
                    vec![term_para.clone(), unit_para.clone(), instr_mid.clone()],
                    vec![],
                ),
                2 => (
                    vec![title_para.clone(), term_para.clone(), unit_para.clone()],
                    vec![instr_full.clone()],
                ),
                _ => (
                    vec![
                        title_para.clone(),
                        term_para.clone(),
                        unit_para.clone(),
                        instr_mid.clone(),
                    ],
                    vec![],
                ),
            };
            let mut bottom = row.bottom;
            if !beside.is_empty() {
                let Some((more, b)) = stack(&beside, mid.0, mid.1, row_top)? else {
                    continue;
                };
                if b > row.bottom {
                    continue;
                }
                runs.extend(more);
            }
            if !below.is_empty() {
                let Some((more, b)) = stack(&below, full.0, full.1, row.bottom + 3.0)? else {
                    continue;
                };
                runs.extend(more);
                bottom = bottom.max(b);
            }
            if let Some(fit) = fit_names(bottom)? {
                let better = best
                    .as_ref()
                    .is_none_or(|(_, b, _, _)| fit.size > b.size + 1e-9);
                if better {
                    best = Some((std::mem::take(&mut runs), fit, bottom, row_top));
                }
            }
        }
        let (top_runs, fit, names_top, row_top) =
            best.ok_or_else(|| too_big(&format!("{n} candidate names")))?;
        let row = Row::at(row_top, w, &spec)?;
        items.push(DrawItem::Rects(RectSet {
            rects: rect_frame(row.stamp, STAMP_STROKE_MM),
            gray: STAMP_GRAY,
            role: ItemRole::Stamp,
        }));
        items.push(DrawItem::Text(row.label));
        items.extend(top_runs.into_iter().map(DrawItem::Text));
        let stamp_mm = row.stamp;
        let qz = f64::from(QR_QUIET_MODULES) * QR_MODULE_MM;
        let qr = QrBox {
            symbol_mm: row.quiet.grow(-qz),
            quiet_mm: row.quiet,
        };

        // Candidate rows, centred on the page.
        let cx = w / 2.0;
        let mut candidates = Vec::with_capacity(n);
        let mut baseline = names_top + fit.gap + fit.top_ext;
        let mut last_bottom = names_top;
        for (k, (line, cand)) in fit.lines.into_iter().zip(&election.candidates).enumerate() {
            let x_height = line.style.x_height_em() * line.size;
            let run = line.place_centred(cx, baseline);
            last_bottom = last_bottom.max(run.ink_mm.bottom());
            candidates.push(CandidateLayout {
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

        // Approval boxes under the single name: [box] Đồng ý     [box] Không đồng ý
        let mut boxes = None;
        if boxes_mode {
            let side = spec.box_side;
            let box_top = last_bottom + fit.gap;
            let label_size = spec.info.max(fit.size * 0.7);
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
            let label_base =
                box_top + side / 2.0 + FontStyle::Regular.cap_height_em() * label_size / 2.0;
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
            boxes = Some(ApproveBoxes {
                approve,
                disapprove,
            });
        }

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
        layout.check().map_err(|what| too_big(&what))?;
        Ok(layout)
    }

    /// Verifies the layout's promises; `Err` names the first broken one.
    pub fn check(&self) -> Result<(), String> {
        let page = MmRect::new(0.0, 0.0, self.width_mm, self.height_mm).grow(-PAGE_MARGIN_MM);
        let mut boxes: Vec<(String, MmRect)> = self
            .items
            .iter()
            .map(|i| (format!("{:?}", i.role()), i.bounds()))
            .collect();
        boxes.push(("QR quiet zone".into(), self.qr.quiet_mm));
        boxes.push(("stamp".into(), self.stamp_mm));
        for (what, b) in &boxes {
            if !page.contains(b) {
                return Err(format!("{what} leaves the {PAGE_MARGIN_MM} mm margin"));
            }
        }
        for (i, item) in self.items.iter().enumerate() {
            let b = item.bounds();
            if b.intersects(&self.qr.quiet_mm) {
                return Err(format!("{:?} enters the QR quiet zone", item.role()));
            }
            if item.role() != ItemRole::Stamp && b.intersects(&self.stamp_mm) {
                return Err(format!("{:?} enters the stamp area", item.role()));
            }
            if item.role() != ItemRole::Fiducial {
                for f in &self.fiducials_mm {
                    if b.intersects(&f.grow(FIDUCIAL_CLEAR_MM - 1e-9)) {
                        return Err(format!("{:?} crowds a fiducial", item.role()));
                    }
                }
            }
            if let ItemRole::Name(k) = item.role() {
                let zone = b.grow(NAME_CLEARANCE_MM - 1e-9);
                for (j, other) in self.items.iter().enumerate() {
                    if j != i && zone.intersects(&other.bounds()) {
                        return Err(format!("{:?} crowds name {k}", other.role()));
                    }
                }
                if zone.intersects(&self.qr.quiet_mm) || zone.intersects(&self.stamp_mm) {
                    return Err(format!("name {k} crowds the QR code or the stamp"));
                }
            }
        }
        Ok(())
    }

    /// The public geometry (millimetres rounded to 0.01).
    pub fn geometry(&self) -> BallotGeometry {
        BallotGeometry {
            version: GEOMETRY_VERSION,
            paper: self.paper.as_str().to_string(),
            marking: self.marking,
            page_mm: PageSize {
                width: r2(self.width_mm),
                height: r2(self.height_mm),
            },
            fiducials_mm: self.fiducials_mm.iter().map(MmRect::rounded).collect(),
            qr_mm: self.qr.symbol_mm.rounded(),
            qr_quiet_mm: self.qr.quiet_mm.rounded(),
            qr_modules: QR_MODULES,
            stamp_mm: self.stamp_mm.rounded(),
            candidates: self
                .candidates
                .iter()
                .map(|c| CandidateGeometry {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    name_mm: c.name_mm.rounded(),
                    baseline_mm: r2(c.baseline_mm),
                    xheight_band_mm: MmBand {
                        top: r2(c.x_band_mm.top),
                        bottom: r2(c.x_band_mm.bottom),
                    },
                })
                .collect(),
            boxes_mm: self.boxes.map(|b| ApproveBoxes {
                approve: b.approve.rounded(),
                disapprove: b.disapprove.rounded(),
            }),
        }
    }

    /// The geometry as JSON text: the contract read by the interpreter.
    pub fn to_json(&self) -> String {
        // Serialising plain numbers and strings cannot fail.
        serde_json::to_string_pretty(&self.geometry()).expect("geometry serialises")
    }

    /// The text runs of the display list.
    pub fn text_runs(&self) -> impl Iterator<Item = &TextRun> {
        self.items.iter().filter_map(|i| match i {
            DrawItem::Text(t) => Some(t),
            DrawItem::Rects(_) => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::election::{Candidate, EXAMPLE_ELECTION, parse_election};

    const NAMES: [&str; 10] = [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Thị Huỳnh Hoa",
        "Phạm Quốc Việt",
        "Hoàng Thị Ngọc Yến",
        "Đặng Văn Dũng",
        "Bùi Thị Xuân Quỳnh",
        "Võ Nguyễn Hoàng Phương",
        "Đỗ Thị Kiều Trinh",
        "Nguyễn Thị Phương Thảo",
    ];

    fn election(paper: Paper, marking: Marking, n: usize, office: &str) -> Election {
        let mut e = parse_election(EXAMPLE_ELECTION, std::path::Path::new("example.toml")).unwrap();
        e.election.paper = paper;
        e.election.marking = marking;
        e.election.office = office.to_string();
        e.candidates = (0..n)
            .map(|i| Candidate {
                id: format!("c{}", i + 1),
                name: NAMES[i].to_string(),
            })
            .collect();
        e
    }

    fn all_layouts() -> Vec<(String, BallotLayout)> {
        let mut out = Vec::new();
        for paper in [Paper::A4, Paper::A5, Paper::A6] {
            for office in ["Trưởng khu phố", "Tổ trưởng tổ dân phố"] {
                for n in 1..=10 {
                    for marking in [Marking::Strike, Marking::ApproveBoxes] {
                        if marking == Marking::ApproveBoxes && n != 1 {
                            continue;
                        }
                        let what = format!("{paper:?} {office} {n} {marking:?}");
                        let layout =
                            BallotLayout::for_election(&election(paper, marking, n, office))
                                .unwrap_or_else(|e| panic!("{what}: {e}"));
                        out.push((what, layout));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn every_paper_fits_one_to_ten_candidates() {
        for (what, l) in all_layouts() {
            l.check().unwrap_or_else(|e| panic!("{what}: {e}"));
            let page = MmRect::new(0.0, 0.0, l.width_mm, l.height_mm).grow(-PAGE_MARGIN_MM);
            // The fixed furniture never overlaps, and stays inside the margin.
            let mut furniture = vec![l.stamp_mm, l.qr.quiet_mm];
            furniture.extend(l.fiducials_mm);
            furniture.extend(l.candidates.iter().map(|c| c.name_mm));
            if let Some(b) = l.boxes {
                furniture.extend([b.approve, b.disapprove]);
            }
            for (i, a) in furniture.iter().enumerate() {
                assert!(page.contains(a), "{what}: {a:?} outside the margin");
                for b in &furniture[i + 1..] {
                    assert!(!a.intersects(b), "{what}: {a:?} overlaps {b:?}");
                }
            }
            // Names: the whole ±6 mm zone is free of anything else.
            for c in &l.candidates {
                let zone = c.name_mm.grow(NAME_CLEARANCE_MM - 1e-9);
                for (j, item) in l.items.iter().enumerate() {
                    if j != c.item {
                        assert!(
                            !zone.intersects(&item.bounds()),
                            "{what}: {:?} near {}",
                            item.role(),
                            c.name
                        );
                    }
                }
                assert!(!zone.intersects(&l.qr.quiet_mm) && !zone.intersects(&l.stamp_mm));
                assert!(c.x_band_mm.top < c.x_band_mm.bottom);
                assert!(c.name_mm.y < c.x_band_mm.top && c.x_band_mm.bottom <= c.name_mm.bottom());
                // Large enough to strike by hand.
                assert!(c.name_mm.h > 2.5, "{what}: {} is tiny", c.name);
            }
            // Corner order TL, TR, BL, BR, 5 mm from the edges.
            let [tl, tr, bl, br] = l.fiducials_mm;
            assert!(tl.x == 5.0 && tl.y == 5.0 && bl.x == 5.0 && tr.y == 5.0);
            assert!((br.right() - (l.width_mm - 5.0)).abs() < 1e-9);
            assert!((br.bottom() - (l.height_mm - 5.0)).abs() < 1e-9);
            assert!(tr.x > tl.x && bl.y > tl.y);
            // The QR box holds 29 modules of 0.7 mm.
            assert!((l.qr.symbol_mm.w - 20.3).abs() < 1e-9);
            assert!(l.qr.quiet_mm.contains(&l.qr.symbol_mm));
        }
    }

    #[test]
    fn long_place_names_wrap_instead_of_failing() {
        for paper in [Paper::A4, Paper::A5, Paper::A6] {
            let mut e = election(paper, Marking::Strike, 3, "Tổ trưởng tổ dân phố");
            e.election.commune = "Thị trấn Nông trường Mộc Châu Hòa Bình Xuân".to_string();
            e.election.unit = "Tổ dân phố số 12 Khu phố Đông Sơn Thượng Mới".to_string();
            let l = BallotLayout::for_election(&e).unwrap_or_else(|err| panic!("{paper:?}: {err}"));
            l.check().unwrap();
            let text: Vec<&str> = l.text_runs().map(|t| t.text.as_str()).collect();
            assert!(text.join(" ").contains("NÔNG TRƯỜNG"), "{text:?}");
        }
    }

    #[test]
    fn sizes_shrink_with_more_candidates() {
        let size = |paper, n| {
            let l = BallotLayout::for_election(&election(paper, Marking::Strike, n, "Trưởng thôn"))
                .unwrap();
            l.candidates[0].name_mm.h
        };
        for paper in [Paper::A4, Paper::A5, Paper::A6] {
            assert!(size(paper, 10) <= size(paper, 1));
        }
    }

    #[test]
    fn approve_boxes_need_one_candidate() {
        let e = election(Paper::A5, Marking::ApproveBoxes, 2, "Trưởng thôn");
        assert_eq!(
            BallotLayout::for_election(&e),
            Err(LayoutError::BoxesNeedOneCandidate(2))
        );
        let mut e = election(Paper::A5, Marking::Strike, 1, "Trưởng thôn");
        e.candidates.clear();
        assert_eq!(
            BallotLayout::for_election(&e),
            Err(LayoutError::NoCandidates)
        );
    }

    #[test]
    fn names_print_nfc_and_unprintable_text_is_an_error() {
        let mut e = election(Paper::A5, Marking::Strike, 2, "Trưởng thôn");
        e.candidates[1].name = "Tra\u{0302}\u{0300}n Thi\u{0323} Bi\u{0300}nh".to_string();
        let l = BallotLayout::for_election(&e).unwrap();
        assert_eq!(l.candidates[1].name, "Trần Thị Bình");
        e.candidates[1].name = "Trần 王".to_string();
        assert!(matches!(
            BallotLayout::for_election(&e),
            Err(LayoutError::MissingGlyph { ch: '王', .. })
        ));
        e.candidates[1].name = "Nguyễn ".repeat(30);
        assert!(matches!(
            BallotLayout::for_election(&e),
            Err(LayoutError::DoesNotFit { .. })
        ));
    }

    #[test]
    fn texts_follow_the_election() {
        let l =
            BallotLayout::for_election(&election(Paper::A5, Marking::Strike, 2, "Trưởng khu phố"))
                .unwrap();
        let texts: Vec<&str> = l.text_runs().map(|t| t.text.as_str()).collect();
        for want in [
            "ỦY BAN NHÂN DÂN",
            "PHƯỜNG ĐỒNG KỴ",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "PHIẾU BẦU TRƯỞNG KHU PHỐ",
            "Nhiệm kỳ 2024-2027",
            "Nguyễn Văn An",
            "Trần Thị Bình",
        ] {
            assert!(texts.contains(&want), "{want} missing from {texts:?}");
        }
        let joined = texts.join(" ");
        assert!(joined.contains("Giữ lại tên người mình chọn,"));
        let one =
            BallotLayout::for_election(&election(Paper::A5, Marking::Strike, 1, "Trưởng thôn"))
                .unwrap();
        let joined: Vec<&str> = one.text_runs().map(|t| t.text.as_str()).collect();
        assert!(joined.join(" ").contains("Đồng ý: giữ nguyên tên."));
        let boxes = BallotLayout::for_election(&election(
            Paper::A5,
            Marking::ApproveBoxes,
            1,
            "Trưởng thôn",
        ))
        .unwrap();
        let texts: Vec<&str> = boxes.text_runs().map(|t| t.text.as_str()).collect();
        for want in [INSTRUCTION_BOXES, APPROVE_LABEL, DISAPPROVE_LABEL] {
            assert!(texts.contains(&want));
        }
        let b = boxes.boxes.unwrap();
        assert!(b.approve.w == b.approve.h && b.approve.right() < b.disapprove.x);
    }

    #[test]
    fn json_carries_the_contract() {
        let l = BallotLayout::for_election(&election(Paper::A5, Marking::Strike, 3, "Trưởng thôn"))
            .unwrap();
        let text = l.to_json();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["page_mm"]["width"], 148.0);
        assert_eq!(v["page_mm"]["height"], 210.0);
        let fid = v["fiducials_mm"].as_array().unwrap();
        assert_eq!(fid.len(), 4);
        for (j, key) in ["x", "y", "w", "h"].iter().enumerate() {
            let want = [5.0, 5.0, 5.0, 5.0][j];
            assert_eq!(fid[0][key], want);
        }
        for key in ["qr_mm", "stamp_mm"] {
            for k in ["x", "y", "w", "h"] {
                assert!(v[key][k].is_f64(), "{key}.{k}");
            }
        }
        let c = &v["candidates"][2];
        assert_eq!(c["id"], "c3");
        assert_eq!(c["name"], "Lê Thị Huỳnh Hoa");
        let x = c["name_mm"]["x"].as_f64().unwrap();
        assert!((x - l.candidates[2].name_mm.x).abs() <= 0.005);
        assert_eq!((x * 100.0).round() / 100.0, x);
        let back = BallotGeometry::from_json(&text).unwrap();
        assert_eq!(back, l.geometry());
        assert_eq!(back.qr_mm, l.qr.symbol_mm.rounded());
        assert!(back.boxes_mm.is_none());
    }
}
